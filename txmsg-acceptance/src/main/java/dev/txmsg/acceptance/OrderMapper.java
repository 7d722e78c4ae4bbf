package dev.txmsg.acceptance;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** A user's own MyBatis mapper, to prove txmsg leaves the application's MyBatis alone. */
@Mapper
public interface OrderMapper {

    @Insert("INSERT INTO orders (id, amount) VALUES (#{id}, 10.00)")
    int insert(@Param("id") String id);

    @Select("SELECT COUNT(*) FROM orders WHERE id = #{id}")
    int count(@Param("id") String id);
}
